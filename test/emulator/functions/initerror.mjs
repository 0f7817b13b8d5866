// Fails at module load, before the runtime can poll for work.
throw new Error('boom at init');
