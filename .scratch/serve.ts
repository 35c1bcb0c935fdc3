import { FakeAws } from '../test/support/fake-aws.js'
import { benchAccount } from '../scripts/bench/account.js'
const { account } = benchAccount(Number(process.argv[2] ?? 10000), new Date())
const fake = new FakeAws(account, { pageSize: 1000 })
console.log(await fake.start())
