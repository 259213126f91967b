import { loadConfig } from "../config.js";
import { databaseTargetFor, openDatabase } from "../db/connect.js";
import { clearAllData, demoSignIns, isDatabaseEmpty, seedDemoData } from "./demo-data.js";

/** `npm run seed` fills an empty database; `npm run seed -- --reset` wipes it first. */
async function seed() {
  const reset = process.argv.includes("--reset");
  const config = loadConfig();
  const database = await openDatabase(databaseTargetFor(config));
  try {
    if (reset) await clearAllData(database.db);
    else if (!(await isDatabaseEmpty(database.db))) {
      console.log("The database already has data; use `npm run seed -- --reset` to start over.");
      return;
    }
    await seedDemoData(database.db);
    console.log(
      ["Demo data seeded. Sign-ins (password: demo-password):", ...demoSignIns()].join("\n"),
    );
  } finally {
    await database.close();
  }
}

await seed();
