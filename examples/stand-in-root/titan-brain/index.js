// Demo stand-in for titan-brain: the real service would live here.
require('../../../stand-in/service.js');
