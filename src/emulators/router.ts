// The emulators serve through the generic loopback router in adapters/ (the key server uses it too);
// this name stays so each emulator keeps importing its plumbing from emulators/.
export * from "../adapters/http-router.js";
