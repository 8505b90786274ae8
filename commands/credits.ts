import { operationCommand } from './command.ts';

export default operationCommand(
  'credits',
  { en: 'Show the NemoVideo credit balance', zh: '查看 NemoVideo 积分余额' },
  'credits',
);
