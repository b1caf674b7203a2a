module.exports = require('../../tools/webpack.app')('auth-server');
