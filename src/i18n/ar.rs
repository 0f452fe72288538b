//! Arabic texts.

use super::Texts;

/// Arabic counted nouns: 1 and 2 have their own forms, 3 to 10 take the plural,
/// 11 and above the singular accusative.
fn counted(n: u64, zero: &str, one: &str, two: &str, few: &str, many: &str) -> String {
    match n {
        0 => zero.to_owned(),
        1 => one.to_owned(),
        2 => two.to_owned(),
        3..=10 => format!("{n} {few}"),
        _ => format!("{n} {many}"),
    }
}

pub static TEXTS: Texts = Texts {
    app_name: "نافذة",
    tagline: "بوابتك إلى الخدمات الحكومية",
    skip_to_content: "انتقل إلى المحتوى الرئيسي",
    other_language_name: "English",
    other_language_tag: "en",
    switch_language_label: "اللغة",
    loading: "جارٍ التحميل…",
    load_failed: "تعذّر تحميل البيانات.",
    offline: "يبدو أنك غير متصل بالإنترنت. تحقق من الاتصال ثم حاول مرة أخرى.",
    try_again: "حاول مرة أخرى",
    home_title: "الخدمات الحكومية",
    home_intro: "قدّم طلبًا أو ترخيصًا أو بلاغًا لدى الجهات الحكومية، وتابعه برقم الطلب.",
    search_label: "ابحث عن خدمة",
    search_hint: "اكتب اسم الخدمة أو الجهة، مثل: رخصة أو بلاغ",
    services_found: |n| {
        counted(
            n as u64,
            "لا توجد خدمات مطابقة",
            "خدمة واحدة",
            "خدمتان",
            "خدمات",
            "خدمة",
        )
    },
    no_results: "لم نجد خدمة تطابق بحثك. جرّب كلمة أخرى أو تصفح جميع الخدمات.",
    breadcrumb: "مسار التنقل",
    all_services: "جميع الخدمات",
    fee: "الرسوم",
    time_to_complete: "مدة الإنجاز",
    working_days: |n| {
        counted(
            u64::from(n),
            "",
            "يوم عمل واحد",
            "يوما عمل",
            "أيام عمل",
            "يوم عمل",
        )
    },
    agency: "الجهة",
    department: "الإدارة المختصة",
    kind: "نوع الخدمة",
    about_service: "عن الخدمة",
    documents_title: "ما تحتاج إلى تجهيزه",
    no_documents: "لا تحتاج إلى مستندات لهذه الخدمة.",
    questions_title: "ما سنسألك عنه",
    optional: "(اختياري)",
    not_accepting: "لا تستقبل هذه الخدمة طلبات جديدة حاليًا. الطلبات المقدمة سابقًا مستمرة.",
    contact_title: "للتواصل",
    service_not_found: "الخدمة غير موجودة",
    not_found_title: "الصفحة غير موجودة",
    not_found_body: "ربما كُتب العنوان بشكل غير صحيح، أو نُقلت الصفحة.",
    go_home: "العودة إلى جميع الخدمات",
    footer_note: "أيام العمل من الأحد إلى الخميس.",
};
