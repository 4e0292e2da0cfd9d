import { useEffect, useRef, useState } from 'preact/hooks';
import { toCanvas } from 'bwip-js/browser';
import { signal } from '../feedback';
import { t, useT } from '../i18n';
import { diagnoseWedge, TEST_LABEL_TEXT, type Finding } from '../scan/diagnose';
import { scannerSettings } from '../scan/settings';
import { useStore } from '../store';

const visible = (s: string) => s.split('\x1d').join('<GS>').replace(/\r/g, '<CR>').replace(/\n/g, '<LF>').replace(/\t/g, '<TAB>');

function message(f: Finding): string {
  switch (f.code) {
    case 'ok':
      return t('selftest.ok');
    case 'aimStripped':
      return t('selftest.aimStripped');
    case 'gsLost':
      return t('selftest.gsLost');
    case 'gsAs':
      return `${t('selftest.gsLost')} (“${visible(f.sent)}”)`;
    case 'noSuffix':
      return t('selftest.suffix');
    case 'extraSuffix':
      return t('selftest.extraSuffix', { extra: visible(f.extra) });
    case 'notEvents':
      return t('selftest.notEvents');
    case 'unrecognised':
      return `${t('scan.unreadable', { detail: visible(f.received) })}`;
  }
}

/**
 * Scanner self-test: the worker scans the printed GS1 test label into this screen's own field (so text
 * that arrives as a string, not as key events, is seen too) and the screen names the misconfiguration.
 */
export default function SelfTest() {
  const t = useT();
  const settings = useStore(scannerSettings);
  const canvas = useRef<HTMLCanvasElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const keys = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout>>(undefined);
  const [result, setResult] = useState<{ text: string; findings: Finding[] }>();
  const [decoded, setDecoded] = useState<string>();
  // The camera path, checked on this device without a camera: the printed label through the decoder worker.
  const testDecoder = async () => {
    setDecoded(t('common.loading'));
    const { decode } = await import('../scan/camera');
    const codes = await decode(await createImageBitmap(canvas.current!));
    setDecoded(codes.length ? codes.map((c) => `${c.format}: ${visible(c.raw)}`).join(' | ') : t('scan.cameraUnavailable'));
  };

  useEffect(() => {
    if (canvas.current)
      toCanvas(canvas.current, {
        bcid: 'gs1-128',
        text: TEST_LABEL_TEXT,
        scale: 2,
        height: 14,
        includetext: true,
        textxalign: 'center',
        backgroundcolor: 'FFFFFF',
        paddingwidth: 10,
        paddingheight: 6,
      });
    field.current?.focus();
  }, []);

  const analyse = (terminator?: string) => {
    clearTimeout(idle.current);
    const el = field.current!;
    const text = el.value;
    if (!text) return;
    const findings = diagnoseWedge({ text, terminator, keyEvents: keys.current, gsChar: settings.gsChar });
    setResult({ text, findings });
    signal(findings[0]!.code === 'ok' ? 'right' : 'action', message(findings[0]!));
    el.value = '';
    keys.current = 0;
  };

  const fix = result?.findings.find((f): f is Extract<Finding, { code: 'gsAs' }> => f.code === 'gsAs' && f.sent.length === 1);
  return (
    <section class="flow selftest">
      <p class="flow-title">{t('flow.selftest')}</p>
      <h1 class="prompt">{t('selftest.intro')}</h1>
      <div class="label-sheet">
        <canvas ref={canvas} aria-label={TEST_LABEL_TEXT} role="img" />
      </div>
      <div class="row no-print">
        <button type="button" class="ghost" onClick={() => window.print()}>
          {t('selftest.print')}
        </button>
        <button type="button" class="ghost" onClick={() => void testDecoder()} data-testid="decoder-test">
          {t('selftest.decoder')}
        </button>
      </div>
      {decoded && (
        <p class="mono small no-print" data-testid="decoder-result">
          {decoded}
        </p>
      )}
      <label class="no-print">
        {t('scan.waiting')}
        <input
          ref={field}
          data-testid="selftest-field"
          autoComplete="off"
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === 'Tab') {
              e.preventDefault();
              analyse(e.key);
            } else if (e.key.length === 1 && !e.ctrlKey) keys.current++;
            else if (e.ctrlKey && e.key === ']') {
              // Ctrl+] is GS typed on a keyboard: put the control character into the field ourselves.
              e.preventDefault();
              keys.current++;
              (e.target as HTMLInputElement).value += '\x1d';
            }
          }}
          onInput={() => {
            // No suffix at all: judge what arrived once the scanner has gone quiet.
            clearTimeout(idle.current);
            idle.current = setTimeout(() => analyse(undefined), 800);
          }}
        />
      </label>
      {result && (
        <div class="info no-print" data-testid="selftest-result">
          <p class="mono small">
            {t('selftest.got')}: {visible(result.text)}
          </p>
          <ul>
            {result.findings.map((f) => (
              <li key={f.code} data-finding={f.code}>
                {message(f)}
              </li>
            ))}
          </ul>
          {fix && (
            <button type="button" class="primary" onClick={() => scannerSettings.set({ ...settings, gsChar: fix.sent })}>
              {t('selftest.gsChar')}: “{fix.sent}”
            </button>
          )}
        </div>
      )}
      <fieldset class="stack no-print">
        <legend>{t('settings.scanner')}</legend>
        <label>
          {t('selftest.gsChar')}
          <input
            maxLength={1}
            value={settings.gsChar}
            onInput={(e) => scannerSettings.set({ ...settings, gsChar: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          {t('settings.gap')}
          <input
            type="number"
            min={20}
            max={2000}
            value={settings.maxGapMs}
            onInput={(e) => scannerSettings.set({ ...settings, maxGapMs: Number((e.target as HTMLInputElement).value) || 300 })}
          />
        </label>
      </fieldset>
    </section>
  );
}
