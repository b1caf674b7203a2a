module.exports = require('../../tools/webpack.app')('user-directory');
