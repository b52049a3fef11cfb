// Demo stand-in for titan-ai-quant: the real service would live here.
require('../../../stand-in/service.js');
