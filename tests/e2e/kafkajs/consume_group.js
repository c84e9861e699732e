'use strict';
// A kafkajs consumer in a consumer group: subscribes to <topic> from the beginning and reads
// until it has seen <count> messages, committing (consumer.commitOffsets, autoCommit off)
// after each batch and printing a batch's messages only once its commit succeeded:
//   msg <partition> <offset> <seq>      seq: the message's "seq" header (produce.js)
// then leaves the group (disconnect) and prints what the group has committed, read with the
// admin client's fetchOffsets (OffsetFetch):
//   committed <partition> <offset>      per partition, -1: none
// Usage: node consume_group.js <host:port> <topic> <group> <count> [timeout-ms]

const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const [bootstrap, topic, groupId, countText, timeoutText] = process.argv.slice(2);
  const count = Number(countText);
  const timeoutMs = Number(timeoutText || 120000);
  const kafka = new Kafka({ clientId: 'sluice-e2e-group', brokers: [bootstrap], logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });

  let seen = 0;
  let finish;
  const done = new Promise((resolve) => { finish = resolve; });
  const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms with ${seen} of ${count} messages`)), timeoutMs);
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, resolveOffset }) => {
      if (batch.messages.length === 0) return;
      const last = batch.messages[batch.messages.length - 1];
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
      const lines = batch.messages.map((m) => `msg ${batch.partition} ${m.offset} ${m.headers.seq.toString()}\n`);
      process.stdout.write(lines.join(''));
      batch.messages.forEach((m) => resolveOffset(m.offset));
      seen += batch.messages.length;
      if (seen >= count) finish(null);
    },
  });
  const error = await done;
  clearTimeout(timer);
  await consumer.disconnect();
  if (error) throw error;

  const admin = kafka.admin();
  await admin.connect();
  for (const t of await admin.fetchOffsets({ groupId, topics: [topic] })) {
    for (const p of t.partitions.sort((a, b) => a.partition - b.partition)) console.log(`committed ${p.partition} ${p.offset}`);
  }
  await admin.disconnect();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
