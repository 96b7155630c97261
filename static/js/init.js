// Starts GOV.UK Frontend's JavaScript components and the app's own. Loaded by the base template
// as <script type="module" src="/static/js/init.js"></script>, so no inline script is needed
// under the Content-Security-Policy.
import { initAll } from "/static/govuk/govuk-frontend.min.js";
import { initRepeatingRows } from "/static/js/add-another.js";

initAll();
initRepeatingRows();
