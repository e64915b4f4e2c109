// JIT: the component's template is compiled in the browser, so @angular/compiler comes first.
// (The Angular CLI compiles ahead of time instead; JIT needs 'unsafe-eval' in a page's CSP.)
import '@angular/compiler';
import { Component, CUSTOM_ELEMENTS_SCHEMA, provideZonelessChangeDetection, signal } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import 'convot/convot-widget.js'; // registers <convot-widget>
import { appId, server } from '../settings.js';

/**
 * CUSTOM_ELEMENTS_SCHEMA lets the template use <convot-widget>: `[locale]` binds a property,
 * `[attr.app-id]` an attribute, `(convot-chat-opened)` listens to the DOM event, and methods go
 * through the template reference variable `#widget`, which is the element itself.
 */
@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <main>
      <h1>Convot in Angular</h1>
      <label>
        Language
        <select (change)="locale.set($any($event.target).value)">
          <option value="en" [selected]="locale() === 'en'">English</option>
          <option value="fr" [selected]="locale() === 'fr'">Français</option>
        </select>
      </label>
      <button type="button" (click)="widget.openChat()">Open the chat</button>
      <p>Chat opened <output id="opened">{{ opened() }}</output> times</p>
      <convot-widget #widget [attr.app-id]="appId" [server]="server" [locale]="locale()" (convot-chat-opened)="opened.set(opened() + 1)"></convot-widget>
    </main>
  `,
})
class App {
  readonly appId = appId;
  readonly server = server;
  readonly locale = signal('en');
  readonly opened = signal(0);
}

bootstrapApplication(App, { providers: [provideZonelessChangeDetection()] }).catch((e: unknown) => console.error(e));
