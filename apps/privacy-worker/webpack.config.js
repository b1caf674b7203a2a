module.exports = require('../../tools/webpack.app')('privacy-worker');
