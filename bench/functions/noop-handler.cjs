// The no-op handler as a CommonJS module: Node loads it without starting its ES module loader,
// which is part of every cold start of an ES module function (see noop-handler.mjs).
exports.handler = async () => ({ ok: true });
