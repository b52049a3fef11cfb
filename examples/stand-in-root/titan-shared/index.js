// Demo stand-in for titan-shared: the real service would live here.
require('../../../stand-in/service.js');
