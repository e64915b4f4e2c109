import type { Catalog } from '../en.js';
import { plural } from '../plural.js';

const ja: Catalog = {
  openChat: 'チャットを開く',
  closeChat: 'チャットを閉じる',
  unread: plural('ja', { other: '未読メッセージ #件' }),
  title: 'お問い合わせ',
  online: 'オンラインです',
  away: 'できるだけ早く返信します',
  reconnecting: '再接続しています…',
  messages: '会話',
  empty: 'お気軽にご質問ください。通常は数分以内に返信します。',
  composerLabel: 'メッセージ',
  placeholder: 'メッセージを入力…',
  attachFile: 'ファイルを添付',
  threads: '以前の会話',
  send: '送信',
  sending: '送信中…',
  sent: '送信済み',
  notSent: '未送信',
  seen: '既読',
  typing: '{name}さんが入力中…',
  you: 'あなた',
  team: 'チーム',
  unknownApp: 'このチャットは正しく設定されていません（不明なアプリID）。',
  badOrigin: 'このチャットはこのサイトでは有効になっていません。',
  dismiss: '閉じる',
  tabChat: 'チャット',
  tabHelp: 'ヘルプ',
  tabBook: '予約',
};

export default ja;
