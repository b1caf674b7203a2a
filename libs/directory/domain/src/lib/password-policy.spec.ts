import { passwordProblems } from './password-policy';

describe('passwordProblems', () => {
  it.each(['correct horse battery staple', 'Vx9!kq2#Lm', 'tr0ub4dor&3-zebra', 'ünïcødé-Paß-wört', '8472019385'])('accepts %s', (password) => {
    expect(passwordProblems(password)).toEqual([]);
  });

  it('refuses fewer than 8 characters and more than 72 bytes, counting bytes not characters', () => {
    expect(passwordProblems('Xy7#kq2')).toEqual([{ field: 'password', message: 'must be at least 8 characters long' }]);
    const longest = 'Vx9!kq2#Lm-tr0ub4dor&3-zebra-Quartz-Nimbus-7714-Falcon-Orbit-Ember-Vale!';
    expect(longest).toHaveLength(72);
    expect(passwordProblems(longest)).toEqual([]);
    expect(passwordProblems(`${longest}x`)[0].message).toContain('72 bytes');
    // 25 three-byte characters: 25 characters, 75 bytes.
    expect(passwordProblems('漢字仮名交'.repeat(5))[0].message).toContain('72 bytes');
  });

  it.each(['password123', 'Password1!', 'p@ssw0rd', 'P@SSW0RD2024', 'Welcome2024', 'qwerty123', 'letmein!!', '123password', 'iloveyou', 'admin1234', 'changeme'])(
    'refuses the breached password %s',
    (password) => {
      expect(passwordProblems(password)).toEqual([{ field: 'password', message: 'is too common: it appears in lists of breached passwords' }]);
    },
  );

  it.each(['aaaaaaaa', 'abcabcabc', '12121212', '12345678', '87654321', 'asdfghjkl', 'abcdefghij', 'zyxwvuts', '19900101'])('refuses the pattern %s', (password) => {
    expect(passwordProblems(password)).toHaveLength(1);
  });

  it('refuses passwords built on the owner identifiers and names the field it was given', () => {
    expect(passwordProblems('xx-johnsmith-42', { email: 'johnsmith@example.com' }, 'newPassword')).toEqual([
      { field: 'newPassword', message: 'must not contain the email address, username or name' },
    ]);
    expect(passwordProblems('Gwendolyn#2931', { firstName: 'Gwendolyn' })).toHaveLength(1);
    expect(passwordProblems('Gwendolyn#2931', { firstName: 'Ada' })).toEqual([]);
  });

  it('never echoes the password', () => {
    expect(JSON.stringify(passwordProblems('password123'))).not.toContain('password123');
  });
});
