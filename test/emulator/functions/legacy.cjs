// CommonJS, callback style, with a dotted export path (handler: legacy.api.handle).
exports.api = {
  handle(event, context, callback) {
    setTimeout(() => callback(null, { style: 'callback', requestId: context.awsRequestId, echo: event }), 5);
  },
};
exports.fails = function (event, context, callback) {
  callback(new TypeError('callback error'));
};
