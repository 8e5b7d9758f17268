// Integration tests talk to real engines and start real processes: generous
// bounds, so a slow CI machine fails on a real problem, not on a timer.
jest.setTimeout(180_000);
