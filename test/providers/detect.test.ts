import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { detectProvider } from "../../src/providers/index.js";

describe("detectProvider (each registry row's detect)", () => {
  const cases: [string, [string, string][], string | undefined][] = [
    ["moneykit", [["moneykit-signature", "a.b.c"]], "moneykit"],
    ["dfns", [["X-Dfns-Webhook-Signature", "sha256=00"]], "dfns"],
    ["kopokopo", [["X-KOPOKOPO-SIGNATURE", "ab"]], "kopokopo"],
    ["bracken", [["Authorization", "HMACSHA256 abc="]], "bracken"],
    [
      "pps",
      [
        ["Authorization", "Bearer x.y.z"],
        ["X-Pps-Topic", "orders/placed"],
      ],
      "pps",
    ],
    ["a bare Bearer is not pps", [["Authorization", "Bearer x.y.z"]], undefined],
    ["nothing", [["Content-Type", "application/json"]], undefined],
  ];
  for (const [name, headers, expected] of cases)
    it(name, () => assert.equal(detectProvider(headers), expected));
});
