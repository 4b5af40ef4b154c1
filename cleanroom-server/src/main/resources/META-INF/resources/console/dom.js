// Building the DOM from data: text goes in through textContent and attributes through
// setAttribute, never through innerHTML, so a name with markup in it shows as typed.

/** An element with attributes ("text" sets its text, "on..." adds a listener) and children. */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'text') {
      element.textContent = String(value);
    } else if (name === 'class') {
      element.className = value;
    } else if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

export function byId(id) {
  return document.getElementById(id);
}

export function clear(node) {
  node.replaceChildren();
}

/** A table cell; numbers right-aligned. */
export function cell(value, numeric = false) {
  return el('td', { class: numeric ? 'number' : undefined, text: value === null || value === undefined ? '' : value });
}

/** Clears every field error inside {@code root}. */
export function clearFieldErrors(root) {
  for (const error of root.querySelectorAll('.field-error')) {
    error.textContent = '';
  }
  for (const field of root.querySelectorAll('[aria-invalid]')) {
    field.removeAttribute('aria-invalid');
  }
}

/** Shows {@code message} at the field, by its error element ({@code <id>-error}). */
export function showFieldError(field, message) {
  field.setAttribute('aria-invalid', 'true');
  const error = byId(field.id + '-error');
  if (error) {
    error.textContent = error.textContent ? error.textContent + ' ' + message : message;
    const described = field.getAttribute('aria-describedby') || '';
    if (!described.split(' ').includes(error.id)) {
      field.setAttribute('aria-describedby', (described + ' ' + error.id).trim());
    }
  }
}

/** Shows a refusal's sentence, and the sentence of each problem it lists, in {@code container}. */
export function showProblem(container, error) {
  clear(container);
  container.append(el('p', { text: error.message }));
  const violations = (error.problem && error.problem.violations) || [];
  if (violations.length) {
    container.append(
      el('ul', {}, violations.map((v) => el('li', { text: (v.path ? v.path + ': ' : '') + v.message }))));
  }
}

export function formatNumber(value) {
  if (typeof value !== 'number') {
    return value === null || value === undefined ? '' : String(value);
  }
  if (Number.isInteger(value)) {
    return value.toLocaleString('en');
  }
  return value.toLocaleString('en', { maximumFractionDigits: 4 });
}
