import { operationCommand } from './command.ts';

export default operationCommand(
  'link',
  { en: "Open the project in NemoVideo's editor", zh: '在 NemoVideo 编辑器中打开项目' },
  'link',
);
