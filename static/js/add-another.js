// Repeating rows and running totals (partnership/formsets.py, templates/includes/).
//
// "Add another": the button is a submit button that, without JavaScript, posts the form so the
// server draws the page again with one more row. Here it adds the row at once, from the
// <template> holding an empty row, and tells the formset's management form it has one more.
//
// Running total: adds up the amounts typed so far and says how they compare with the value, in
// the same words as partnership.formsets.running_total_text, whenever an amount or the value
// changes.

const GROUPED = /^([0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?|[0-9]+(\.[0-9]+)?|\.[0-9]+)$/;

// Pence from pounds as typed ("£1,015,483.50"), as partnership.forms.MoneyField reads them;
// null for a blank, undefined for anything that is not an amount.
export function penceFrom(text) {
  const cleaned = text.replaceAll("£", "").replaceAll(" ", "").trim();
  if (cleaned === "") return null;
  if (!GROUPED.test(cleaned)) return undefined;
  const [pounds, pennies = ""] = cleaned.replaceAll(",", "").split(".");
  if (pennies.length > 2) return undefined;
  return Number(pounds || "0") * 100 + Number(pennies.padEnd(2, "0"));
}

export function formatPence(pence) {
  const sign = pence < 0 ? "-" : "";
  const whole = Math.abs(pence);
  const pounds = Math.floor(whole / 100).toLocaleString("en-GB");
  return `${sign}£${pounds}.${String(whole % 100).padStart(2, "0")}`;
}

export function runningTotalText(total, target, readable, ofLabel) {
  let text = `The amounts add up to ${formatPence(total)}.`;
  if (!readable) {
    text = `Some amounts are not numbers yet; the others add up to ${formatPence(total)}.`;
  }
  if (target === null || target === undefined) return `${text} Enter ${ofLabel} to compare.`;
  if (total === target) return `${text} That is exactly ${ofLabel}.`;
  const difference = formatPence(Math.abs(target - total));
  const side = total < target ? "less" : "more";
  return `${text} That is ${difference} ${side} than ${ofLabel} (${formatPence(target)}).`;
}

function initAddAnother(root) {
  const prefix = root.dataset.prefix;
  const maxRows = Number(root.dataset.maxRows);
  const totalForms = root.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  const rows = root.querySelector(".app-add-another__rows");
  const template = root.querySelector("template.app-add-another__template");
  const button = root.querySelector(".app-add-another__add");
  if (!totalForms || !rows || !template || !button) return;
  button.addEventListener("click", (event) => {
    event.preventDefault();
    const index = Number(totalForms.value);
    if (index >= maxRows) return;
    const html = template.innerHTML
      .replaceAll("__prefix__", String(index))
      .replaceAll("__number__", String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
    totalForms.value = String(index + 1);
    const added = rows.lastElementChild;
    added.querySelector("input:not([type=hidden]), select, textarea")?.focus();
    if (index + 1 >= maxRows) button.hidden = true;
  });
}

function initRunningTotal(element) {
  const form = element.closest("form");
  const text = element.querySelector("[data-running-total-text]");
  const targetInput = element.dataset.targetInput
    ? document.getElementById(element.dataset.targetInput)
    : null;
  const update = () => {
    let total = 0;
    let readable = true;
    for (const input of form.querySelectorAll(element.dataset.amounts)) {
      const pence = penceFrom(input.value);
      if (pence === undefined) readable = false;
      else total += pence ?? 0;
    }
    const target = targetInput ? penceFrom(targetInput.value) : Number(element.dataset.target);
    const sentence = runningTotalText(
      total,
      target === undefined ? null : target,
      readable,
      element.dataset.ofLabel,
    );
    if (text.textContent !== sentence) text.textContent = sentence;
  };
  form.addEventListener("input", update);
  form.addEventListener("click", () => window.setTimeout(update));
  update();
}

export function initRepeatingRows(scope = document) {
  scope.querySelectorAll('[data-module="app-add-another"]').forEach(initAddAnother);
  scope.querySelectorAll('[data-module="app-running-total"]').forEach(initRunningTotal);
}
