// Module SpuntaHTTP.
