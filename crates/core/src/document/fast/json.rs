//! The borrowed tree as a JSON representation jsonschema validates in place
//! (`jsonschema::json::Json`): strings point into the input, numbers keep their text, and
//! an object's members are its entries, looked up by a scan (they are few).

use std::borrow::Cow;

use jsonschema::json::{Array, Json, Node, NodeIdentity, Object};
use jsonschema::types::JsonType;
use serde_json::Value;

use super::tree::{Children, Entry, Item};

/// The representation: a node is an entry of a parsed `Tree`.
pub struct Borrowed;

/// One value of a tree: the tree's entries, and where it is among them.
#[derive(Clone, Copy)]
pub struct Ref<'a> {
    pub(super) all: &'a [Entry<'a>],
    pub(super) at: usize,
}

/// The members of an object, or the items of an array.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    all: &'a [Entry<'a>],
    at: usize,
    len: u32,
}

impl<'a> Ref<'a> {
    fn entry(&self) -> &'a Entry<'a> {
        &self.all[self.at]
    }

    fn run(&self, len: u32) -> Run<'a> {
        Run {
            all: self.all,
            at: self.at,
            len,
        }
    }

    /// The member `key` of this object, if it is one and has it.
    pub fn member(&self, key: &str) -> Option<Ref<'a>> {
        match self.entry().value {
            Item::Object { len, .. } => self.run(len).find(key),
            _ => None,
        }
    }

    /// This value as a string, if it is one.
    pub fn text(&self) -> Option<&'a str> {
        match &self.entry().value {
            Item::String(text) => Some(text),
            _ => None,
        }
    }
}

impl<'a> Run<'a> {
    fn children(&self) -> Children<'a, 'a> {
        Children::new(self.all, self.at, self.len)
    }

    fn node(&self, at: usize) -> Ref<'a> {
        Ref { all: self.all, at }
    }

    fn find(&self, key: &str) -> Option<Ref<'a>> {
        self.children()
            .find(|&child| *self.all[child].key == *key)
            .map(|child| self.node(child))
    }
}

impl Json for Borrowed {
    type Node<'a> = Ref<'a>;
    type PreparedKey = Box<str>;
    type StringBuffer = ();

    // A lookup scans the object's entries: walking them once beats several lookups.
    const KEYS_PER_LOOKUP: usize = 8;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>(_: &mut (), string: &str, f: impl FnOnce(Ref<'_>) -> T) -> T {
        let entry = Entry {
            key: Cow::Borrowed(""),
            value: Item::String(Cow::Borrowed(string)),
        };
        f(Ref {
            all: std::slice::from_ref(&entry),
            at: 0,
        })
    }
}

impl<'a> Node<'a, Borrowed> for Ref<'a> {
    type Object = Run<'a>;
    type Array = Run<'a>;
    type Number = &'a serde_json::Number;

    fn as_object(&self) -> Option<Run<'a>> {
        match self.entry().value {
            Item::Object { len, .. } => Some(self.run(len)),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<Run<'a>> {
        match self.entry().value {
            Item::Array { len, .. } => Some(self.run(len)),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        self.text().map(Cow::Borrowed)
    }

    fn as_number(&self) -> Option<&'a serde_json::Number> {
        match &self.entry().value {
            Item::Number(number) => Some(number),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.entry().value {
            Item::Bool(value) => Some(value),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.entry().value, Item::Null)
    }

    fn json_type(&self) -> JsonType {
        match self.entry().value {
            Item::Null => JsonType::Null,
            Item::Bool(_) => JsonType::Boolean,
            Item::Number(_) => JsonType::Number,
            Item::String(_) => JsonType::String,
            Item::Array { .. } => JsonType::Array,
            Item::Object { .. } => JsonType::Object,
        }
    }

    fn equals_value(&self, expected: &Value) -> bool {
        // `enum` of strings, the common case, without building a Value.
        match (&self.entry().value, expected) {
            (Item::String(text), Value::String(other)) => **text == **other,
            (Item::String(_), _) => false,
            _ => jsonschema::json::cmp::equal(&self.to_value(), expected),
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(self.value())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref(self.entry()) as usize))
    }
}

impl Ref<'_> {
    /// The value as serde_json's, for what jsonschema reports (cold: errors only).
    pub fn value(&self) -> Value {
        match &self.entry().value {
            Item::Null => Value::Null,
            Item::Bool(value) => Value::Bool(*value),
            Item::Number(number) => Value::Number(number.clone()),
            Item::String(text) => Value::String(text.to_string()),
            Item::Array { len, .. } => {
                let run = self.run(*len);
                Value::Array(run.children().map(|at| run.node(at).value()).collect())
            }
            Item::Object { len, .. } => {
                let run = self.run(*len);
                Value::Object(
                    run.children()
                        .map(|at| (self.all[at].key.to_string(), run.node(at).value()))
                        .collect(),
                )
            }
        }
    }
}

/// An object's members in their written order.
pub struct Members<'a> {
    run: Run<'a>,
    children: Children<'a, 'a>,
}

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, Ref<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let at = self.children.next()?;
        Some((&*self.run.all[at].key, self.run.node(at)))
    }
}

/// An array's items in order.
pub struct Items<'a> {
    run: Run<'a>,
    children: Children<'a, 'a>,
}

impl<'a> Iterator for Items<'a> {
    type Item = Ref<'a>;

    fn next(&mut self) -> Option<Ref<'a>> {
        self.children.next().map(|at| self.run.node(at))
    }
}

impl<'a> Object<'a, Borrowed> for Run<'a> {
    type Node = Ref<'a>;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        self.len as usize
    }

    fn get(&self, key: &Box<str>) -> Option<Ref<'a>> {
        self.find(key)
    }

    fn members(&self) -> Members<'a> {
        Members {
            run: *self,
            children: self.children(),
        }
    }
}

impl<'a> Array<'a, Borrowed> for Run<'a> {
    type Node = Ref<'a>;
    type ElementsIter = Items<'a>;

    fn len(&self) -> usize {
        self.len as usize
    }

    fn elements(&self) -> Items<'a> {
        Items {
            run: *self,
            children: self.children(),
        }
    }
}
