require('/tmp/old-9e7c187/stand-in/service.js');
