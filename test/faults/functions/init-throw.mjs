// Throws while its module is loaded: every init fails.
throw new Error('broken at init');
