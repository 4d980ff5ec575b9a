//! Page numbers for long lists, keeping the list's filters in the links.

use maud::{Markup, html};

pub const PER_PAGE: u64 = 50;

pub struct Pager {
    /// 1-based.
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

impl Pager {
    pub fn new(page: Option<u64>, total: u64) -> Self {
        let per_page = PER_PAGE;
        let last = total.div_ceil(per_page).max(1);
        Pager {
            page: page.unwrap_or(1).clamp(1, last),
            per_page,
            total,
        }
    }

    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }

    fn last(&self) -> u64 {
        self.total.div_ceil(self.per_page).max(1)
    }

    /// `query` holds the list's other parameters (filters, sort) to carry over.
    pub fn render(&self, path: &str, query: &[(&str, String)]) -> Markup {
        let link = |page: u64| {
            let mut s = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in query.iter().filter(|(_, v)| !v.is_empty()) {
                s.append_pair(k, v);
            }
            s.append_pair("page", &page.to_string());
            format!("{path}?{}", s.finish())
        };
        let first_shown = if self.total == 0 { 0 } else { self.offset() + 1 };
        let last_shown = (self.offset() + self.per_page).min(self.total);
        html! {
            nav.pagination aria-label="Pages" {
                @if self.page > 1 {
                    a.pagination__prev href=(link(self.page - 1)) rel="prev" { "Previous" span.visually-hidden { " page" } }
                }
                p.pagination__info {
                    "Showing " (first_shown) " to " (last_shown) " of " (self.total)
                }
                @if self.page < self.last() {
                    a.pagination__next href=(link(self.page + 1)) rel="next" { "Next" span.visually-hidden { " page" } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_pages_into_range() {
        assert_eq!(Pager::new(Some(0), 120).page, 1);
        assert_eq!(Pager::new(Some(9), 120).page, 3);
        assert_eq!(Pager::new(None, 0).page, 1);
        assert_eq!(Pager::new(Some(2), 120).offset(), 50);
    }

    #[test]
    fn links_keep_filters() {
        let html = Pager::new(Some(2), 120)
            .render(
                "/audit",
                &[("action", "login.failed".into()), ("actor", String::new())],
            )
            .into_string();
        assert!(html.contains(r#"href="/audit?action=login.failed&amp;page=1""#));
        assert!(html.contains(r#"href="/audit?action=login.failed&amp;page=3""#));
        assert!(html.contains("Showing 51 to 100 of 120"));
    }
}
