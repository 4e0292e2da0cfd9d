import { useState } from 'preact/hooks';
import { LOCALES, setLocale, useT, locale } from '../i18n';
import { useStore } from '../store';
import { badgeLogin, device, login, registerDevice, session } from '../session';
import { warmAudio } from '../feedback';
import { enqueue } from '../offline/queue';

export function LanguagePicker({ userId }: { userId?: string }) {
  const t = useT();
  const l = useStore(locale);
  return (
    <div class="langs" role="group" aria-label={t('lang.switch')}>
      {LOCALES.map((x) => (
        <button
          type="button"
          key={x}
          lang={x}
          aria-pressed={l === x}
          data-testid={`lang-${x}`}
          onClick={() => {
            setLocale(x, userId);
            // Signed in: the choice is the user's, kept on the server (queued through a dead spot).
            const s = session.get();
            if (userId && s) {
              session.set({ ...s, user: { ...s.user, locale: x } });
              void enqueue({ method: 'PUT', path: '/me/locale', body: { locale: x }, label: t('lang.switch'), userId, group: 'locale' });
            }
          }}
        >
          {x === 'en' ? 'English' : '简体中文'}
        </button>
      ))}
    </div>
  );
}

export function DeviceSetup() {
  const t = useT();
  const [name, setName] = useState('');
  return (
    <main class="card narrow">
      <h1>{t('device.title')}</h1>
      <p>{t('device.intro')}</p>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) registerDevice(name);
        }}
      >
        <label>
          {t('device.name')}
          <input name="deviceName" required maxLength={40} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <button class="primary" type="submit">
          {t('device.register')}
        </button>
      </form>
      <LanguagePicker />
    </main>
  );
}

export function Login() {
  const t = useT();
  const dev = useStore(device);
  const [mode, setMode] = useState<'password' | 'badge'>('badge');
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    warmAudio();
    setBusy(true);
    setError('');
    try {
      session.set(mode === 'password' ? await login(a.trim(), b) : await badgeLogin(a.trim(), b));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="card narrow login">
      <h1>{t('app.name')}</h1>
      <p class="muted">{t('device.current', { name: dev?.name ?? '' })}</p>
      <div class="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={mode === 'badge'} onClick={() => setMode('badge')}>
          {t('login.badge')}
        </button>
        <button type="button" role="tab" aria-selected={mode === 'password'} onClick={() => setMode('password')}>
          {t('login.password')}
        </button>
      </div>
      <form class="stack" onSubmit={submit}>
        <label>
          {mode === 'password' ? t('login.username') : t('login.scanBadge')}
          <input
            name="username"
            autoFocus
            autoComplete="username"
            autoCapitalize="off"
            value={a}
            onInput={(e) => setA((e.target as HTMLInputElement).value)}
            onKeyDown={(e) => {
              // A badge scan ends with Enter or Tab: go on to the PIN instead of submitting half a form.
              if (mode === 'badge' && (e.key === 'Enter' || e.key === 'Tab') && !b) {
                e.preventDefault();
                (document.querySelector('input[name=password]') as HTMLInputElement | null)?.focus();
              }
            }}
          />
        </label>
        <label>
          {mode === 'password' ? t('login.password') : t('login.pin')}
          <input
            name="password"
            type="password"
            inputMode={mode === 'badge' ? 'numeric' : undefined}
            autoComplete="current-password"
            value={b}
            onInput={(e) => setB((e.target as HTMLInputElement).value)}
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button class="primary" type="submit" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
      <LanguagePicker />
    </main>
  );
}
