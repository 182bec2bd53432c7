// Module SpuntaExchange.
