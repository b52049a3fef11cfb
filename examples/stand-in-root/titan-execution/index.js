// Demo stand-in for titan-execution: the real service would live here.
require('../../../stand-in/service.js');
