/* Self-assessment: the rules engine (the same rules as generator/assessment/engine.py, which the
   tests compare it with) and the page around it. The wording is in the page already, written by
   the template from content/data/assessment.yml; this script only shows, hides and moves it.
   Answers stay in the page: nothing is sent, stored or kept after a reload. */
(function () {
  "use strict";

  function list(value) {
    return Array.isArray(value) ? value : [value];
  }

  // The first alternative of a `when` that the answers satisfy, or undefined.
  function match(when, answers) {
    return list(when).filter(function (alt) {
      return Object.keys(alt).every(function (q) {
        return list(alt[q]).indexOf(answers[q]) >= 0;
      });
    })[0];
  }

  function ids(items) {
    return items.map(function (item) {
      return item.id;
    });
  }

  function hits(items, answers) {
    return (items || []).filter(function (item) {
      return !item.when || match(item.when, answers);
    });
  }

  // The most intensive level any matching rule asks for; the last level when none matches.
  function evaluate(data, answers) {
    var levels = ids(data.levels);
    var lowest = levels.length - 1;
    var rules = hits(data.rules, answers);
    var rank = function (rule) {
      return levels.indexOf(rule.level);
    };
    var best = Math.min.apply(null, [lowest].concat(rules.map(rank)));
    var level = levels[best];
    return {
      level: level,
      reasons: ids(rules.filter(function (r) {
        return rank(r) === best;
      })),
      also: ids(rules.filter(function (r) {
        return rank(r) > best && rank(r) < lowest;
      })),
      messages: ids(hits(data.messages, answers)),
      notes: ids(hits(data.notes, answers).filter(function (note) {
        return !note.levels || note.levels.indexOf(level) >= 0;
      })),
      asks: ids(hits(data.ask_a_professional, answers)),
      alerts: ids(data.levels.filter(function (l) {
        return l.urgent && rules.some(function (r) {
          return r.level === l.id;
        });
      }))
    };
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { evaluate: evaluate };
  }
  if (typeof document === "undefined") {
    return;
  }

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function start() {
    var root = document.getElementById("iop-assess");
    var source = document.getElementById("assessment-data");
    if (!root || !source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var form = root.querySelector("form");
    var steps = all(root, ".iop-step");
    var questions = all(form, "fieldset");
    var result = root.querySelector(".iop-result");
    var status = root.querySelector(".iop-status");
    var progress = root.querySelector(".iop-progress");
    var store = root.querySelector(".iop-urgent-store");
    var current = 0;

    // The element's words, from its data-text (written by the template from the language's
    // strings), with each {name} filled in.
    function words(element, values) {
      return Object.keys(values).reduce(function (text, name) {
        return text.split("{" + name + "}").join(values[name]);
      }, element.getAttribute("data-text"));
    }

    function answers() {
      var chosen = {};
      all(form, "input:checked").forEach(function (input) {
        chosen[input.name] = input.value;
      });
      return chosen;
    }

    function show(index, focus) {
      current = index;
      steps.forEach(function (step, i) {
        step.hidden = i !== index;
      });
      progress.textContent = words(progress, { step: index + 1, total: steps.length });
      progress.hidden = false;
      if (focus) {
        steps[index].querySelector("h3").focus();
      }
    }

    // Urgent help appears at once, after the last question that led to it, and is announced.
    function showAlerts() {
      var given = answers();
      var now = evaluate(data, given);
      var wanted = {};
      now.alerts.forEach(function (level) {
        wanted[level] = match(data.rules.filter(function (r) {
          return r.level === level && match(r.when, given);
        })[0].when, given);
      });
      hits(data.messages, given).forEach(function (m) {
        if (m.urgent) {
          wanted["message-" + m.id] = match(m.when, given);
        }
      });
      // In reverse, so that panels placed under the same question end up in the file's order.
      all(form, ".iop-urgent").reverse().forEach(function (panel) {
        var key = panel.getAttribute("data-urgent");
        if (!wanted[key]) {
          panel.hidden = true;
          store.appendChild(panel);
          return;
        }
        var after = Object.keys(wanted[key]).map(function (q) {
          return document.getElementById("q-" + q);
        }).sort(function (a, b) {
          return questions.indexOf(b) - questions.indexOf(a);
        })[0];
        if (panel.hidden || panel.parentNode === store) {
          after.parentNode.insertBefore(panel, after.nextSibling);
        }
        panel.hidden = false;
      });
    }

    function unanswered(step) {
      return all(step, "fieldset").filter(function (fieldset) {
        var missing = !fieldset.querySelector("input:checked");
        fieldset.querySelector(".iop-q__error").hidden = !missing;
        return missing;
      });
    }

    // Items are written once by the template; each is moved into its list in the engine's order.
    function fill(part, attribute, wanted) {
      var box = result.querySelector(".iop-result__" + part);
      wanted.forEach(function (id) {
        var item = result.querySelector("[" + attribute + '="' + id + '"]');
        item.hidden = false;
        box.appendChild(item);
      });
      return wanted.length === 0;
    }

    function finish() {
      var outcome = evaluate(data, answers());
      all(result, "[data-level], [data-alert], [data-message], [data-rule], [data-note], [data-ask]")
        .forEach(function (item) {
          item.hidden = true;
        });
      var level = result.querySelector('[data-level="' + outcome.level + '"]');
      level.hidden = false;
      var first = fill("first", "data-alert", outcome.alerts);
      result.querySelector(".iop-result__first").parentNode.hidden =
        fill("first", "data-message", outcome.messages) && first;
      result.querySelector(".iop-result__none").hidden = !fill("reasons", "data-rule", outcome.reasons);
      result.querySelector(".iop-result__also").parentNode.hidden = fill("also", "data-rule", outcome.also);
      result.querySelector(".iop-result__notes").parentNode.hidden = fill("notes", "data-note", outcome.notes);
      fill("asks", "data-ask", outcome.asks);
      steps.forEach(function (step) {
        step.hidden = true;
      });
      progress.hidden = true;
      root.classList.add("iop-done");
      result.hidden = false;
      status.textContent = words(status, { level: level.getAttribute("data-name") });
      result.querySelector("h2").focus();
    }

    function restart() {
      form.reset();
      all(root, ".iop-q__error").forEach(function (error) {
        error.hidden = true;
      });
      showAlerts();
      result.hidden = true;
      status.textContent = "";
      root.classList.remove("iop-done");
      show(0, true);
    }

    root.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) {
        return;
      }
      var action = button.getAttribute("data-action");
      if (action === "next") {
        var missing = unanswered(steps[current]);
        if (missing.length) {
          missing[0].querySelector("input").focus();
        } else if (current === steps.length - 1) {
          finish();
        } else {
          show(current + 1, true);
        }
      } else if (action === "back") {
        show(current - 1, true);
      } else if (action === "restart") {
        restart();
      } else if (action === "print") {
        window.print();
      }
    });
    form.addEventListener("change", function (event) {
      event.target.closest("fieldset").querySelector(".iop-q__error").hidden = true;
      showAlerts();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    // A page restored from the back-forward cache keeps its answers: clear them as a reload does.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        restart();
      }
    });

    form.reset();
    root.classList.add("iop-js");
    root.querySelector(".iop-guide").open = false;
    all(root, "[data-js-only]").forEach(function (element) {
      element.hidden = false;
    });
    show(0, false);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
