'use strict';
// Creates a 3-partition topic with kafkajs' admin client, produces `count` messages with keys
// and headers to partition i % 3 (acks=-1; sends of 50 messages, every other send gzip), and
// prints what the broker acknowledged and then reports through fetchTopicOffsets:
//   ack <partition> <offset> <i>        per message (kafkajs keeps a partition's order in a send)
//   offsets <partition> <low> <high>    per partition
// Message i: key "kjs-<i % 20>", value "kafkajs message <i>", headers seq=<i>, client=kafkajs.
// Usage: node produce.js <host:port> <topic> <count>

const { Kafka, CompressionTypes, Partitioners, logLevel } = require('kafkajs');

async function main() {
  const [bootstrap, topic, countText] = process.argv.slice(2);
  const count = Number(countText);
  const kafka = new Kafka({ clientId: 'sluice-e2e', brokers: [bootstrap], logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  if (!created) throw new Error(`topic ${topic} already existed`);

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  for (let first = 0, send = 0; first < count; first += 50, send++) {
    const messages = [];
    for (let i = first; i < Math.min(first + 50, count); i++) {
      messages.push({
        partition: i % 3,
        key: `kjs-${i % 20}`,
        value: `kafkajs message ${i}`,
        headers: { seq: String(i), client: 'kafkajs' },
      });
    }
    const compression = send % 2 ? CompressionTypes.GZIP : CompressionTypes.None;
    const results = await producer.send({ topic, acks: -1, compression, messages });
    for (const r of results) {
      if (r.errorCode !== 0) throw new Error(`partition ${r.partition}: error ${r.errorCode}`);
      const inPartition = messages.filter((m) => m.partition === r.partition);
      inPartition.forEach((m, k) => console.log(`ack ${r.partition} ${BigInt(r.baseOffset) + BigInt(k)} ${m.headers.seq}`));
    }
  }
  await producer.disconnect();

  for (const o of (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition)) {
    console.log(`offsets ${o.partition} ${o.low} ${o.high}`);
  }
  await admin.disconnect();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
