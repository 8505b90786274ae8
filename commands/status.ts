import { operationCommand } from './command.ts';

export default operationCommand(
  'status',
  { en: 'Show the timeline of the current project', zh: '查看当前项目的时间线' },
  'status',
);
