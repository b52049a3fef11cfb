// Demo stand-in for titan-console: the real service would live here.
require('../../../stand-in/service.js');
