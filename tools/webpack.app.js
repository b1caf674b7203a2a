// The build of every app: one CommonJS bundle of the app and its workspace libraries, with
// packages from node_modules left external (installed next to the bundle in images).
// Type checking is done once for the whole workspace by `npm run typecheck`.
const { join, resolve } = require('path');
const { TsconfigPathsPlugin } = require('tsconfig-paths-webpack-plugin');
const nodeExternals = require('webpack-node-externals');

const root = resolve(__dirname, '..');

module.exports = function appBuild(app) {
  const appRoot = join(root, 'apps', app);
  return {
    target: 'node',
    mode: 'production',
    context: appRoot,
    entry: { main: join(appRoot, 'src/main.ts') },
    output: { path: join(root, 'dist/apps', app), filename: '[name].js', clean: true },
    devtool: 'source-map',
    optimization: { minimize: false },
    node: { __dirname: false, __filename: false },
    externalsPresets: { node: true },
    externals: [nodeExternals({ modulesDir: join(root, 'node_modules') })],
    resolve: {
      extensions: ['.ts', '.js'],
      plugins: [new TsconfigPathsPlugin({ configFile: join(root, 'tsconfig.base.json') })],
    },
    module: {
      rules: [
        {
          test: /\.ts$/,
          loader: 'ts-loader',
          exclude: /node_modules/,
          options: { configFile: join(appRoot, 'tsconfig.app.json'), transpileOnly: true },
        },
      ],
    },
    stats: 'errors-warnings',
  };
};
