import type { Catalog } from '../en.js';
import { plural } from '../plural.js';

const zh: Catalog = {
  openChat: '打开聊天',
  closeChat: '关闭聊天',
  unread: plural('zh', { other: '# 条未读消息' }),
  title: '与我们聊天',
  online: '我们在线',
  away: '我们会尽快回复',
  reconnecting: '正在重新连接…',
  messages: '对话',
  empty: '有任何问题都可以问我们。我们通常在几分钟内回复。',
  composerLabel: '消息',
  placeholder: '输入消息…',
  attachFile: '添加附件',
  threads: '以前的对话',
  send: '发送',
  sending: '正在发送…',
  sent: '已发送',
  notSent: '未发送',
  seen: '已读',
  typing: '{name} 正在输入…',
  you: '你',
  team: '团队',
  unknownApp: '此聊天未正确设置（未知的应用 ID）。',
  badOrigin: '此网站未启用此聊天。',
  dismiss: '关闭',
  tabChat: '聊天',
  tabHelp: '帮助',
  tabBook: '预约',
};

export default zh;
