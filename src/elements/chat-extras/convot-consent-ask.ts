import { LitElement, css, html } from 'lit';
import { property } from 'lit/decorators.js';
/** The prompt's words per language (text, accept, decline), in this chunk only. */
const STRINGS: Record<string, readonly [string, string, string]> = {
  en: ['This chat can remember you on this device (a session in your browser\'s storage). Allow it?', 'Allow', 'Not now'],
  fr: ['Ce chat peut se souvenir de vous sur cet appareil (une session dans le stockage de votre navigateur). L\'autoriser ?', 'Autoriser', 'Pas maintenant'],
  es: ['Este chat puede recordarte en este dispositivo (una sesión en el almacenamiento de tu navegador). ¿Lo permites?', 'Permitir', 'Ahora no'],
  de: ['Dieser Chat kann sich auf diesem Gerät an Sie erinnern (eine Sitzung im Speicher Ihres Browsers). Erlauben?', 'Erlauben', 'Nicht jetzt'],
  pt: ['Este chat pode lembrar de você neste dispositivo (uma sessão no armazenamento do seu navegador). Permitir?', 'Permitir', 'Agora não'],
  it: ['Questa chat può ricordarti su questo dispositivo (una sessione nella memoria del browser). Lo consenti?', 'Consenti', 'Non ora'],
  nl: ['Deze chat kan je op dit apparaat onthouden (een sessie in de opslag van je browser). Toestaan?', 'Toestaan', 'Niet nu'],
  ja: ['このチャットは、このデバイスであなたを記憶できます（ブラウザーのストレージにセッションを保存）。許可しますか？', '許可する', '今はしない'],
  zh: ['此聊天可以在此设备上记住您（在浏览器存储中保存会话）。是否允许？', '允许', '暂不'],
  ar: ['يمكن لهذه الدردشة تذكرك على هذا الجهاز (جلسة في تخزين متصفحك). هل تسمح بذلك؟', 'السماح', 'ليس الآن'],
  he: ['הצ\'אט יכול לזכור אתכם במכשיר הזה (סשן באחסון הדפדפן). לאפשר?', 'לאפשר', 'לא עכשיו'],
};
const strings = (locale: string) => STRINGS[locale.split('-')[0]!.toLowerCase()] ?? STRINGS.en!;

/**
 * The storage consent prompt (`cookie_banner`): until the visitor answers, the widget writes
 * nothing to the browser and has no session. Answers with a `convot-consent` event
 * (`{ accepted }`) that the view hands to its runtime. Internal to Convot; in the chat-extras chunk.
 *
 * @tag convot-consent-ask
 * @summary The storage consent prompt inside the chat (internal).
 */
export class ConvotConsentAsk extends LitElement {
  static override styles = css`
    .ask {
      margin: 0;
      padding: 8px 12px;
      border-top: 1px solid var(--_border);
      font-size: 14px;
    }
    p {
      margin: 0;
    }
    .row {
      display: flex;
      gap: 6px;
      margin-top: 6px;
    }
    button {
      padding: 6px 12px;
      border: 0;
      border-radius: 8px;
      background: var(--_surface-2);
      color: var(--_text);
      font: inherit;
      cursor: pointer;
    }
    .accept {
      background: var(--_primary);
      color: var(--_on-primary);
    }
    :focus-visible {
      outline: 2px solid var(--_primary);
      outline-offset: 1px;
    }
  `;

  /** The widget's locale. */
  @property({ attribute: false }) locale = 'en';

  private answer(accepted: boolean): void {
    this.dispatchEvent(new CustomEvent('convot-consent', { detail: { accepted }, bubbles: true, composed: true }));
  }

  protected override updated(): void {
    this.dispatchEvent(new Event('convot-grew', { bubbles: true, composed: true }));
  }

  protected override render() {
    const [text, accept, decline] = strings(this.locale);
    return html`<div class="ask" role="region" aria-labelledby="consent-text">
      <p id="consent-text">${text}</p>
      <div class="row">
        <button class="accept" type="button" @click=${() => this.answer(true)}>${accept}</button>
        <button class="decline" type="button" @click=${() => this.answer(false)}>${decline}</button>
      </div>
    </div>`;
  }
}
