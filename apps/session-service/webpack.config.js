module.exports = require('../../tools/webpack.app')('session-service');
