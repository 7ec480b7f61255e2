// Starts GOV.UK Frontend's components. Loaded as a module, so browsers too old for it get the
// plain HTML, which works on its own.
import { initAll } from '/static/govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

// Panels marked data-kith-open-wide (search filters) start open on screens wider than a phone;
// on a phone they stay closed so results come first. Without JavaScript they are a plain
// <details> the person opens.
if (window.matchMedia('(min-width: 40.0625em)').matches) {
  document.querySelectorAll('details[data-kith-open-wide]').forEach((d) => { d.open = true })
}

// Tables that fit the screen need no "scroll sideways" note.
for (const box of document.querySelectorAll('.kith-table-scroll')) {
  const mark = () => { box.dataset.overflows = box.scrollWidth > box.clientWidth + 1 ? 'yes' : 'no' }
  mark()
  window.addEventListener('resize', mark)
}
