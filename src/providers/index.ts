import type { ProviderId } from "../core/provider-id.js";
import { brackenInfo } from "./bracken/info.js";
import { verifyBracken } from "./bracken/verify.js";
import { dfnsInfo } from "./dfns/info.js";
import { verifyDfns } from "./dfns/verify.js";
import { kopokopoInfo } from "./kopokopo/info.js";
import { verifyKopoKopo } from "./kopokopo/verify.js";
import { moneykitInfo } from "./moneykit/info.js";
import { verifyMoneyKit } from "./moneykit/verify.js";
import { ppsInfo } from "./pps/info.js";
import { verifyPps } from "./pps/verify.js";
import type { Provider } from "./types.js";

/** The registry: one line per provider. */
export const PROVIDERS: Readonly<Record<ProviderId, Provider>> = {
  moneykit: { info: moneykitInfo, verify: verifyMoneyKit },
  dfns: { info: dfnsInfo, verify: verifyDfns },
  bracken: { info: brackenInfo, verify: verifyBracken },
  kopokopo: { info: kopokopoInfo, verify: verifyKopoKopo },
  pps: { info: ppsInfo, verify: verifyPps },
};
