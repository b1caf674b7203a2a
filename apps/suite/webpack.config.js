module.exports = require('../../tools/webpack.app')('suite');
