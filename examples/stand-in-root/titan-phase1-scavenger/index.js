// Demo stand-in for titan-phase1-scavenger: the real service would live here.
require('../../../stand-in/service.js');
