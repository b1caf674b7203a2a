module.exports = require('../../tools/webpack.app')('admin-gateway');
