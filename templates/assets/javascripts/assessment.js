/* Self-assessment: the rules engine (the same rules as generator/assessment.py, which the tests
   compare it with) and the page around it. The wording is in the page already, written by the
   template from content/data/assessment.yml; this script only shows and hides it. Answers stay
   in the page: nothing is sent, stored or kept after a reload. */
(function () {
  "use strict";

  function list(value) {
    return Array.isArray(value) ? value : [value];
  }

  function matches(when, answers) {
    return Object.keys(when).every(function (question) {
      return list(when[question]).indexOf(answers[question]) >= 0;
    });
  }

  function ids(items) {
    return items.map(function (item) {
      return item.id;
    });
  }

  // The most intensive level any matching rule asks for; the last level when none matches.
  function evaluate(data, answers) {
    var levels = ids(data.levels);
    var lowest = levels.length - 1;
    var hits = data.rules.filter(function (rule) {
      return matches(rule.when, answers);
    });
    var rankOf = function (rule) {
      return levels.indexOf(rule.level);
    };
    var best = Math.min.apply(null, [lowest].concat(hits.map(rankOf)));
    var level = levels[best];
    return {
      level: level,
      reasons: ids(hits.filter(function (rule) {
        return rankOf(rule) === best;
      })),
      also: ids(hits.filter(function (rule) {
        return rankOf(rule) > best && rankOf(rule) < lowest;
      })),
      notes: ids((data.notes || []).filter(function (note) {
        return (!note.levels || note.levels.indexOf(level) >= 0) && matches(note.when, answers);
      })),
      alerts: ids(data.levels.filter(function (candidate) {
        return candidate.urgent && hits.some(function (rule) {
          return rule.level === candidate.id;
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
    var result = root.querySelector(".iop-result");
    var status = root.querySelector(".iop-status");
    var progress = root.querySelector(".iop-progress");
    var store = root.querySelector(".iop-urgent-store");
    var current = 0;

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
      progress.textContent = "Step " + (index + 1) + " of " + steps.length;
      progress.hidden = false;
      if (focus) {
        steps[index].querySelector("h3").focus();
      }
    }

    // Urgent help appears under the question that led to it, at once, and is announced.
    function showAlerts() {
      var given = answers();
      var now = evaluate(data, given);
      all(form, ".iop-urgent").forEach(function (panel) {
        if (now.alerts.indexOf(panel.getAttribute("data-urgent")) < 0) {
          panel.hidden = true;
          store.appendChild(panel);
        }
      });
      now.alerts.forEach(function (level) {
        var panel = form.querySelector('[data-urgent="' + level + '"]');
        var rule = data.rules.filter(function (candidate) {
          return candidate.level === level && matches(candidate.when, given);
        })[0];
        var question = document.getElementById("q-" + Object.keys(rule.when)[0]);
        if (panel.previousElementSibling !== question) {
          question.parentNode.insertBefore(panel, question.nextSibling);
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
    function fill(list, attribute, wanted) {
      wanted.forEach(function (id) {
        var item = result.querySelector("[" + attribute + '="' + id + '"]');
        item.hidden = false;
        list.appendChild(item);
      });
      return wanted.length === 0;
    }

    function finish() {
      var outcome = evaluate(data, answers());
      var part = function (name) {
        return result.querySelector(".iop-result__" + name);
      };
      all(result, "[data-level], [data-alert], [data-rule], [data-note]").forEach(function (item) {
        item.hidden = true;
      });
      var level = result.querySelector('[data-level="' + outcome.level + '"]');
      level.hidden = false;
      outcome.alerts.forEach(function (id) {
        result.querySelector('[data-alert="' + id + '"]').hidden = false;
      });
      part("none").hidden = !fill(part("reasons"), "data-rule", outcome.reasons);
      part("also").parentNode.hidden = fill(part("also"), "data-rule", outcome.also);
      part("notes").parentNode.hidden = fill(part("notes"), "data-note", outcome.notes);
      steps.forEach(function (step) {
        step.hidden = true;
      });
      progress.hidden = true;
      root.classList.add("iop-done");
      result.hidden = false;
      status.textContent = "Your result: " + level.getAttribute("data-name") + ".";
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
      var fieldset = event.target.closest("fieldset");
      fieldset.querySelector(".iop-q__error").hidden = true;
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
