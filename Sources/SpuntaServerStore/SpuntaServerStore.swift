// Module SpuntaServerStore.
