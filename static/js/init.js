// Starts GOV.UK Frontend's components. Loaded as a module, so browsers too old for it get the
// plain HTML, which works on its own.
import { initAll } from '/static/govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
