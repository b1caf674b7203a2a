const SECRET_SETTINGS = Symbol('sigma:secret-settings');

type WithSecrets = { [SECRET_SETTINGS]?: Set<string> };

/**
 * Marks a setting as secret: its value never appears in logs, error messages or
 * `describeConfig` output.
 */
export function Secret(): PropertyDecorator {
  return (target, propertyKey) => {
    const holder = target as WithSecrets;
    const inherited = holder[SECRET_SETTINGS];
    const own = new Set(inherited ?? []);
    own.add(String(propertyKey));
    Object.defineProperty(holder, SECRET_SETTINGS, { value: own, enumerable: false, configurable: true });
  };
}

export function isSecretSetting(settings: object, key: string): boolean {
  return (settings as WithSecrets)[SECRET_SETTINGS]?.has(key) ?? false;
}
