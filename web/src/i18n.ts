import { ref } from 'vue';

export type Locale = 'zh-CN' | 'en';

/** zh-CN first; English when the browser prefers it or the user switches. Kept in localStorage. */
const locale = ref<Locale>(initialLocale());

function initialLocale(): Locale {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem('quanyi.locale');
  if (saved === 'zh-CN' || saved === 'en') return saved;
  return 'zh-CN';
}

export function currentLocale(): Locale {
  return locale.value;
}

export function setLocale(next: Locale): void {
  locale.value = next;
  localStorage.setItem('quanyi.locale', next);
  document.documentElement.lang = next;
}

export type Messages = Record<string, { readonly zh: string; readonly en: string }>;

/**
 * A tiny translator: each area declares its own messages (so a chunk carries only its own text) and reads them
 * through `t`. `{name}` placeholders are filled from `params`. Reactive: switching the locale re-renders.
 */
export function useMessages<M extends Messages>(messages: M) {
  return (key: keyof M & string, params: Record<string, string | number> = {}): string => {
    const entry = messages[key];
    const text = entry ? (locale.value === 'en' ? entry.en : entry.zh) : key;
    return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
  };
}

export { locale };
