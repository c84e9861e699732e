'use strict';
// kafkajs idempotent and transactional producers, one scenario per subcommand. Each prints
// lines a test asserts on; exit code 0 when the scenario ran as far as it should. Topics are
// created by the test (3 partitions); message i goes to partition i % 3.
//
//   idempotent BOOTSTRAP TOPIC COUNT
//       An idempotent producer (idempotent: true, InitProducerId without a transactional id)
//       sends COUNT messages "i-<i>" in sends of 10. Prints "ack <partition> <offset> <i>".
//   commit-abort BOOTSTRAP TOPIC COUNT
//       One transaction (producer.transaction()) of COUNT messages "c-<i>" committed, then one
//       of COUNT "a-<i>" aborted. Prints "committed COUNT", "aborted COUNT".
//   consume BOOTSTRAP TOPIC GROUP read_committed|read_uncommitted
//       A group consumer (readUncommitted false|true) reads from the beginning until every
//       partition's batches reached the high watermark the admin client reported before it
//       started (control records and aborted batches count: kafkajs moves past them). Prints
//       "msg <partition> <offset> <value>" per message, then "consumed N".
//   transform BOOTSTRAP IN OUT GROUP COUNT commit|abort
//       Consume-transform-produce: a read_committed group consumer of IN (autoCommit off)
//       collects COUNT messages; one transaction sends "t-<value>" to OUT (same partition) and
//       the positions with transaction.sendOffsets({consumerGroupId: GROUP}), then commits or
//       aborts. Prints "positions <p>:<offset>,...", then "<outcome> COUNT".
//   committed BOOTSTRAP TOPIC GROUP
//       admin.fetchOffsets (OffsetFetch): "committed <partition> <offset>" (-1: none).
//   fence BOOTSTRAP TOPIC ID
//       Producer A (transactionalId ID) begins a transaction and sends "fenced-a"; producer B
//       with the same id begins one (InitProducerId bumps the epoch: A is fenced, its
//       transaction aborted) and sends "fencer-b"; A sends "after-fence" to another partition,
//       then commits. Prints "a-send-ok" or "a-send-error <name> <type>", "a-committed" or
//       "a-error <name> <type> retriable=<bool>", then "b-committed".

const { Kafka, Partitioners, logLevel } = require('kafkajs');

function kafkaFor(bootstrap, clientId) {
  const level = process.env.KAFKAJS_DEBUG ? logLevel.DEBUG : logLevel.WARN;
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: level });
}

// The settings kafkajs's documentation gives transactional producers (idempotent: true,
// maxInFlightRequests: 1), for the idempotent one too. The partitioner does not matter (every
// message names its partition); naming one silences kafkajs's v2 partitioner warning.
function eosProducer(kafka, transactionalId) {
  return kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner });
}

// The group consumers' settings: heartbeats as in consume_group.js; fetches long-poll for
// 500 ms (not kafkajs's 5 s) because disconnect() waits for the fetch in flight.
const consumerOptions = { sessionTimeout: 10000, heartbeatInterval: 500, maxWaitTimeInMs: 500 };

function messagesOf(prefix, count) {
  const messages = [];
  for (let i = 0; i < count; i++) messages.push({ partition: i % 3, value: `${prefix}${i}` });
  return messages;
}

async function idempotent(bootstrap, topic, countText) {
  const count = Number(countText);
  const producer = eosProducer(kafkaFor(bootstrap, 'sluice-e2e-idempotent'), undefined);
  await producer.connect();
  const all = messagesOf('i-', count);
  for (let first = 0; first < count; first += 10) {
    const messages = all.slice(first, first + 10);
    const results = await producer.send({ topic, acks: -1, messages });
    for (const r of results) {
      if (r.errorCode !== 0) throw new Error(`partition ${r.partition}: error ${r.errorCode}`);
      const inPartition = messages.filter((m) => m.partition === r.partition);
      inPartition.forEach((m, k) => {
        console.log(`ack ${r.partition} ${BigInt(r.baseOffset) + BigInt(k)} ${m.value.slice(2)}`);
      });
    }
  }
  await producer.disconnect();
}

async function commitAbort(bootstrap, topic, countText) {
  const count = Number(countText);
  const producer = eosProducer(kafkaFor(bootstrap, 'sluice-e2e-txn'), 'kjs-commit-abort');
  await producer.connect();
  let transaction = await producer.transaction();
  await transaction.send({ topic, messages: messagesOf('c-', count) });
  await transaction.commit();
  console.log(`committed ${count}`);
  transaction = await producer.transaction();
  await transaction.send({ topic, messages: messagesOf('a-', count) });
  await transaction.abort();
  console.log(`aborted ${count}`);
  await producer.disconnect();
}

// Subscribes `consumer` to `topic` from the beginning (where its group has no offsets) and
// calls onBatch(batch) for each batch kafkajs hands out until every partition's consumption
// reached its high watermark as fetchTopicOffsets reported it first; resolves with the
// consumer still running (the caller disconnects it).
async function readToEnd(kafka, consumer, topic, onBatch, timeoutMs) {
  const admin = kafka.admin();
  await admin.connect();
  const high = new Map();
  for (const o of await admin.fetchTopicOffsets(topic)) high.set(o.partition, BigInt(o.high));
  await admin.disconnect();
  const reached = new Map();
  for (const [p, h] of high) reached.set(p, h === 0n);
  let finish;
  const done = new Promise((resolve) => { finish = resolve; });
  const check = () => { if ([...reached.values()].every((r) => r)) finish(null); };
  check();
  // END_BATCH_PROCESS carries the batch's last offset also for batches kafkajs filtered to
  // nothing (only control records or aborted messages), where eachBatch is not called.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.topic !== topic) return;
    if (BigInt(payload.lastOffset) + 1n >= high.get(payload.partition)) reached.set(payload.partition, true);
    check();
  });
  const timer = setTimeout(() => {
    finish(new Error(`timed out after ${timeoutMs} ms: ${JSON.stringify([...reached])}`));
  }, timeoutMs);
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ autoCommit: false, eachBatch: async ({ batch }) => onBatch(batch) });
  const error = await done;
  clearTimeout(timer);
  if (error) throw error;
}

async function consume(bootstrap, topic, groupId, isolation) {
  if (isolation !== 'read_committed' && isolation !== 'read_uncommitted') throw new Error(`isolation ${isolation}`);
  const kafka = kafkaFor(bootstrap, 'sluice-e2e-txn-reader');
  const consumer = kafka.consumer({ groupId, readUncommitted: isolation === 'read_uncommitted', ...consumerOptions });
  await consumer.connect();
  let count = 0;
  await readToEnd(kafka, consumer, topic, (batch) => {
    for (const m of batch.messages) {
      console.log(`msg ${batch.partition} ${m.offset} ${m.value.toString()}`);
      count++;
    }
  }, 60000);
  await consumer.disconnect();
  console.log(`consumed ${count}`);
}

async function transform(bootstrap, input, output, groupId, countText, outcome) {
  const count = Number(countText);
  if (outcome !== 'commit' && outcome !== 'abort') throw new Error(`outcome ${outcome}`);
  const kafka = kafkaFor(bootstrap, 'sluice-e2e-transform');
  const consumer = kafka.consumer({ groupId, readUncommitted: false, ...consumerOptions });
  const producer = eosProducer(kafka, `kjs-transform-${groupId}`);
  await Promise.all([consumer.connect(), producer.connect()]);
  const seen = [];
  const positions = new Map();
  await readToEnd(kafka, consumer, input, (batch) => {
    for (const m of batch.messages) {
      seen.push({ partition: batch.partition, value: `t-${m.value.toString()}` });
      positions.set(batch.partition, BigInt(m.offset) + 1n);
    }
  }, 60000);
  // The consumer stays in the group (it would commit nothing on its own: autoCommit is off).
  await consumer.pause([{ topic: input }]);
  const sorted = [...positions].sort((a, b) => a[0] - b[0]);
  console.log('positions ' + sorted.map(([p, o]) => `${p}:${o}`).join(','));
  const transaction = await producer.transaction();
  await transaction.send({ topic: output, messages: seen });
  await transaction.sendOffsets({
    consumerGroupId: groupId,
    topics: [{ topic: input, partitions: sorted.map(([partition, o]) => ({ partition, offset: o.toString() })) }],
  });
  if (outcome === 'commit') await transaction.commit();
  else await transaction.abort();
  console.log(`${outcome} ${seen.length}`);
  await producer.disconnect();
  await consumer.disconnect();
  if (seen.length !== count) throw new Error(`read ${seen.length} messages, expected ${count}`);
}

async function committed(bootstrap, topic, groupId) {
  const admin = kafkaFor(bootstrap, 'sluice-e2e-offsets').admin();
  await admin.connect();
  for (const t of await admin.fetchOffsets({ groupId, topics: [topic] })) {
    for (const p of t.partitions.sort((a, b) => a.partition - b.partition)) {
      console.log(`committed ${p.partition} ${p.offset}`);
    }
  }
  await admin.disconnect();
}

function describe(e) {
  return `${e.name} ${e.type || '-'}`;
}

async function fence(bootstrap, topic, transactionalId) {
  const kafka = kafkaFor(bootstrap, 'sluice-e2e-fence');
  const a = eosProducer(kafka, transactionalId);
  const b = eosProducer(kafka, transactionalId);
  await Promise.all([a.connect(), b.connect()]);
  const ta = await a.transaction();
  await ta.send({ topic, messages: [{ partition: 0, value: 'fenced-a' }] });
  const tb = await b.transaction(); // InitProducerId: A's epoch is now stale
  await tb.send({ topic, messages: [{ partition: 2, value: 'fencer-b' }] });
  try {
    await ta.send({ topic, messages: [{ partition: 1, value: 'after-fence' }] });
    console.log('a-send-ok');
  } catch (e) {
    console.log(`a-send-error ${describe(e)}`);
  }
  try {
    await ta.commit();
    console.log('a-committed');
  } catch (e) {
    console.log(`a-error ${describe(e)} retriable=${Boolean(e.retriable)}`);
  }
  await tb.commit();
  console.log('b-committed');
  await Promise.all([a.disconnect(), b.disconnect()]);
}

const commands = {
  idempotent, 'commit-abort': commitAbort, consume, transform, committed, fence,
};

async function main() {
  const [command, ...args] = process.argv.slice(2);
  const run = commands[command];
  if (!run) throw new Error(`usage: node transactions.js ${Object.keys(commands).join('|')} ...`);
  await run(...args);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
