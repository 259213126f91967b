import { loadConfig } from "../config.js";
import { databaseTargetFor, openDatabase } from "../db/connect.js";
import { clearAllData, demoSignIns, seedDemoData, seedDemoDataIfEmpty } from "./demo-data.js";

/** `npm run seed` fills an empty database; `npm run seed -- --reset` wipes it first. */
async function seed() {
  const reset = process.argv.includes("--reset");
  const config = loadConfig();
  const database = await openDatabase(databaseTargetFor(config));
  try {
    if (reset) {
      await clearAllData(database.db);
      await seedDemoData(database.db);
    } else if ((await seedDemoDataIfEmpty(database.db)) === "not empty") {
      console.log("The database already has data; use `npm run seed -- --reset` to start over.");
      return;
    }
    console.log(
      ["Demo data seeded. Sign-ins (password: demo-password):", ...demoSignIns()].join("\n"),
    );
  } finally {
    await database.close();
  }
}

await seed();
