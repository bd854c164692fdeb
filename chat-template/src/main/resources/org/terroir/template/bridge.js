// Glue between ChatTemplate (Java) and the unmodified @huggingface/jinja bundle, evaluated once per context
// after the bundle. It returns the functions Java calls. Two globals are replaced for every render, through
// the root Environment's set(): raise_exception (so a template's own raise can be told from an interpreter
// error) and strftime_now (so it reads the caller's clock and formats as Python does).
(function (hf) {
  "use strict";
  const Template = hf.Template;
  const Environment = hf.Environment;

  class TemplateRaise extends Error {}

  let overrides = null;
  const originalSet = Environment.prototype.set;
  Environment.prototype.set = function (name, value) {
    if (overrides !== null && this.parent === undefined && Object.prototype.hasOwnProperty.call(overrides, name)) {
      value = overrides[name];
    }
    return originalSet.call(this, name, value);
  };

  function describe(e) {
    if (e instanceof Error) {
      return (e.name && e.name !== "Error" ? e.name + ": " : "") + e.message;
    }
    return String(e);
  }

  function parse(what, json) {
    try {
      return JSON.parse(json);
    } catch (e) {
      throw new TypeError(what + " is not valid JSON: " + e.message);
    }
  }

  return {
    // -> [ "ok", template ] or [ "syntax", message ]
    compile(source) {
      try {
        return ["ok", new Template(source)];
      } catch (e) {
        return ["syntax", describe(e)];
      }
    },

    // -> [ "ok" | "raise" | "input" | "length" | "error", text ]
    render(template, messagesJson, toolsJson, variablesJson, strftime) {
      let items;
      try {
        items = {};
        const messages = parse("messages", messagesJson);
        if (!Array.isArray(messages)) {
          throw new TypeError("messages must be a JSON array");
        }
        items.messages = messages;
        const tools = toolsJson === null ? null : parse("tools", toolsJson);
        if (tools !== null && !Array.isArray(tools)) {
          throw new TypeError("tools must be a JSON array");
        }
        items.tools = tools;
        for (const [name, json] of JSON.parse(variablesJson)) {
          items[name] = parse("variable " + name, json);
        }
      } catch (e) {
        return ["input", e.message];
      }
      overrides = {
        raise_exception: (message) => {
          throw new TemplateRaise(String(message));
        },
        strftime_now: (format) => strftime(String(format)),
      };
      try {
        return ["ok", template.render(items)];
      } catch (e) {
        if (e instanceof TemplateRaise) {
          return ["raise", e.message];
        }
        if (e instanceof RangeError && e.message === "Invalid string length") {
          return ["length", e.message];
        }
        return ["error", describe(e)];
      } finally {
        overrides = null;
      }
    },
  };
})
