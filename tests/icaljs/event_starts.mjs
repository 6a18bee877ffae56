// Reads an iCalendar file on standard input with Mozilla's ical.js, as Thunderbird's calendar does,
// and prints one line per event: its UID, a tab, and its start in UTC (2024-04-23T09:00:00Z).
// The file's own VTIMEZONEs are the only time zone definitions used: ical.js ships none.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const calendar = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}
for (const vevent of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  const start = event.startDate;
  const utc = start.isDate ? start.toString() : start.toJSDate().toISOString().replace(".000Z", "Z");
  console.log(`${event.uid}\t${utc}`);
}
