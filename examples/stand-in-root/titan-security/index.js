// Demo stand-in for titan-security: the real service would live here.
require('../../../stand-in/service.js');
